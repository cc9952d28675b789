import { useEffect } from 'preact/hooks';
import { useProgram } from '../program-context';
import { ReleasedDocuments } from './program-document-list';

const text = {
  title: 'Documents released to your program',
  pageTitle: 'Released documents · EMSWP portal',
  program: (acgmeId: string, specialty: string) => `ACGME ID ${acgmeId}, ${specialty}.`,
  intro:
    'Applicants choose which of their verified documents your program sees. A document leaves this list when its applicant withdraws the release.',
};

export function ProgramDocumentsPage() {
  const program = useProgram();
  useEffect(() => {
    document.title = text.pageTitle;
  }, []);
  return (
    <section>
      <h1>{program.name}</h1>
      <p>{text.program(program.acgme_id, program.specialty)}</p>
      <h2>{text.title}</h2>
      <p>{text.intro}</p>
      <ReleasedDocuments programId={program.id} />
    </section>
  );
}
