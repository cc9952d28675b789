export function NotFoundPage() {
  return (
    <section>
      <h1>This page does not exist</h1>
      <p>
        <a href="/">Go to the start page</a>
      </p>
    </section>
  );
}
