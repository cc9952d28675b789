/** c2sp.org/tlog-proof: the entry (as extra data), its index, the inclusion proof and a checkpoint. */

const header = 'c2sp.org/tlog-proof@v1';

export interface LogProof {
  /** The entry bytes, carried as the proof's extra data. */
  entry: Buffer | undefined;
  index: number;
  /** From the leaf's sibling up. */
  proof: Buffer[];
  /** The signed checkpoint, verbatim. */
  checkpoint: string;
}

export function formatLogProof({ entry, index, proof, checkpoint }: LogProof): string {
  const lines = [header];
  if (entry !== undefined) lines.push(`extra ${entry.toString('base64')}`);
  lines.push(`index ${index}`, ...proof.map((hash) => hash.toString('base64')), '');
  return `${lines.join('\n')}\n${checkpoint}`;
}

const canonicalBase64 = (text: string): Buffer | undefined => {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
};

/** Parses a tlog-proof; throws with a plain reason when it is not one. */
export function parseLogProof(text: string): LogProof {
  const lines = text.split('\n');
  let at = 0;
  if (lines[at++] !== header) throw new Error(`a log proof starts with ${header}`);
  let entry: Buffer | undefined;
  if (lines[at]?.startsWith('extra ')) {
    entry = canonicalBase64((lines[at++] as string).slice('extra '.length));
    if (entry === undefined) throw new Error('the extra line is not base64');
  }
  const indexMatch = /^index (0|[1-9]\d{0,15})$/.exec(lines[at++] ?? '');
  if (!indexMatch) throw new Error('the proof has no index line');
  const index = Number(indexMatch[1]);
  const proof: Buffer[] = [];
  while (at < lines.length && lines[at] !== '') {
    const hash = canonicalBase64(lines[at++] as string);
    if (hash === undefined || hash.length !== 32)
      throw new Error('an inclusion proof line is not a base64 SHA-256 hash');
    proof.push(hash);
  }
  if (lines[at++] !== '') throw new Error('the proof has no checkpoint');
  const checkpoint = lines.slice(at).join('\n');
  if (checkpoint === '') throw new Error('the proof has no checkpoint');
  return { entry, index, proof, checkpoint };
}
