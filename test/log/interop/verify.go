// Command verify checks an EMSWP transparency log with Go's own sumdb packages, code the service
// did not write: the checkpoint's signature (note.Open), every tile against the checkpoint
// (tlog.TileHashReader), every entry bundle against the level 0 tiles, consistency with an older
// checkpoint (tlog.ProveTree and tlog.CheckTree), and tlog-proof files (tlog.CheckRecord).
//
// Usage: verify -url http://host/log -vkey <verifier key> [-old old-checkpoint] [proof.tlog-proof ...]
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// openCheckpoint verifies a signed checkpoint and reads its tree: origin, size, root hash.
func openCheckpoint(msg []byte, verifiers note.Verifiers, origin string) (tlog.Tree, error) {
	n, err := note.Open(msg, verifiers)
	if err != nil {
		return tlog.Tree{}, err
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 || lines[0] != origin {
		return tlog.Tree{}, fmt.Errorf("checkpoint origin is not %q", origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return tlog.Tree{}, errors.New("malformed checkpoint size")
	}
	hash, err := tlog.ParseHash(lines[2])
	if err != nil {
		return tlog.Tree{}, err
	}
	return tlog.Tree{N: size, Hash: hash}, nil
}

// tiles reads the service's tiles: tlog names them tile/8/L/N, tlog-tiles serves them at tile/L/N.
type tiles struct{ base string }

func (t tiles) Height() int { return 8 }

func (t tiles) ReadTiles(list []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(list))
	for i, tile := range list {
		path := strings.TrimPrefix(tile.Path(), "tile/8/")
		b, err := fetch(t.base + "/tile/" + path)
		if err != nil {
			return nil, err
		}
		data[i] = b
	}
	return data, nil
}

func (t tiles) SaveTiles([]tlog.Tile, [][]byte) {}

func bundlePath(n int64, width int64) string {
	path := strings.TrimPrefix(tlog.Tile{H: 8, L: 0, N: n, W: int(width)}.Path(), "tile/8/0/")
	return "tile/entries/" + path
}

func checkEntries(base string, tree tlog.Tree, reader tlog.HashReader) error {
	for n := int64(0); n*256 < tree.N; n++ {
		width := tree.N - n*256
		if width > 256 {
			width = 256
		}
		bundle, err := fetch(base + "/" + bundlePath(n, width))
		if err != nil {
			return err
		}
		indexes := make([]int64, width)
		for i := range indexes {
			indexes[i] = tlog.StoredHashIndex(0, n*256+int64(i))
		}
		hashes, err := reader.ReadHashes(indexes)
		if err != nil {
			return err
		}
		for i := int64(0); i < width; i++ {
			if len(bundle) < 2 {
				return fmt.Errorf("entry bundle %d ends before entry %d", n, n*256+i)
			}
			length := int(binary.BigEndian.Uint16(bundle))
			if len(bundle) < 2+length {
				return fmt.Errorf("entry bundle %d: entry %d is cut short", n, n*256+i)
			}
			entry := bundle[2 : 2+length]
			bundle = bundle[2+length:]
			if tlog.RecordHash(entry) != hashes[i] {
				return fmt.Errorf("entry %d does not hash to its leaf in the tiles", n*256+i)
			}
		}
		if len(bundle) != 0 {
			return fmt.Errorf("entry bundle %d has bytes after its last entry", n)
		}
	}
	return nil
}

func checkProof(file string, verifiers note.Verifiers, origin string) error {
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	head, checkpoint, found := bytes.Cut(text, []byte("\n\n"))
	if !found {
		return errors.New("no blank line before the checkpoint")
	}
	lines := strings.Split(string(head), "\n")
	if lines[0] != "c2sp.org/tlog-proof@v1" {
		return errors.New("not a c2sp.org/tlog-proof@v1")
	}
	lines = lines[1:]
	var extra []byte
	if strings.HasPrefix(lines[0], "extra ") {
		extra, err = base64.StdEncoding.DecodeString(strings.TrimPrefix(lines[0], "extra "))
		if err != nil {
			return err
		}
		lines = lines[1:]
	}
	if !strings.HasPrefix(lines[0], "index ") {
		return errors.New("no index line")
	}
	index, err := strconv.ParseInt(strings.TrimPrefix(lines[0], "index "), 10, 64)
	if err != nil {
		return err
	}
	var proof tlog.RecordProof
	for _, line := range lines[1:] {
		h, err := tlog.ParseHash(line)
		if err != nil {
			return err
		}
		proof = append(proof, h)
	}
	tree, err := openCheckpoint(checkpoint, verifiers, origin)
	if err != nil {
		return err
	}
	if err := tlog.CheckRecord(proof, tree.N, tree.Hash, index, tlog.RecordHash(extra)); err != nil {
		return err
	}
	fmt.Printf("ok proof %s: entry %d is in the tree of size %d\n", file, index, tree.N)
	return nil
}

func run() error {
	base := flag.String("url", "", "the log's prefix, e.g. http://127.0.0.1:3000/log")
	vkey := flag.String("vkey", "", "the log's note verifier key")
	old := flag.String("old", "", "an earlier signed checkpoint the current one must be consistent with")
	flag.Parse()
	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		return fmt.Errorf("verifier key: %v", err)
	}
	verifiers := note.VerifierList(verifier)
	origin := verifier.Name()

	for _, file := range flag.Args() {
		if err := checkProof(file, verifiers, origin); err != nil {
			return fmt.Errorf("proof %s: %v", file, err)
		}
	}
	if *base == "" {
		return nil
	}
	msg, err := fetch(*base + "/checkpoint")
	if err != nil {
		return err
	}
	tree, err := openCheckpoint(msg, verifiers, origin)
	if err != nil {
		return fmt.Errorf("checkpoint: %v", err)
	}
	fmt.Printf("ok checkpoint: size %d, signed by %s\n", tree.N, origin)
	reader := tlog.TileHashReader(tree, tiles{*base})
	if tree.N > 0 {
		root, err := tlog.TreeHash(tree.N, reader)
		if err != nil {
			return fmt.Errorf("tiles: %v", err)
		}
		if root != tree.Hash {
			return errors.New("tiles: the tree hash is not the checkpoint's")
		}
	}
	fmt.Println("ok tiles: they hash to the checkpoint's root")
	if err := checkEntries(*base, tree, reader); err != nil {
		return fmt.Errorf("entries: %v", err)
	}
	fmt.Printf("ok entries: all %d hash to their leaves\n", tree.N)
	if *old != "" {
		oldMsg, err := os.ReadFile(*old)
		if err != nil {
			return err
		}
		oldTree, err := openCheckpoint(oldMsg, verifiers, origin)
		if err != nil {
			return fmt.Errorf("old checkpoint: %v", err)
		}
		proof, err := tlog.ProveTree(tree.N, oldTree.N, reader)
		if err != nil {
			return fmt.Errorf("consistency: %v", err)
		}
		if err := tlog.CheckTree(proof, tree.N, tree.Hash, oldTree.N, oldTree.Hash); err != nil {
			return fmt.Errorf("consistency: %v", err)
		}
		fmt.Printf("ok consistency: size %d extends size %d\n", tree.N, oldTree.N)
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL %v\n", err)
		os.Exit(1)
	}
}
