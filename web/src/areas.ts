/**
 * Each signed-in role's part of the portal: where it starts and the links the header shows for it.
 * One table, so each area adds its own pages here and nowhere else in the shell.
 */
export interface AreaLink {
  href: string;
  label: string;
}

/** The token's `role` claims that have an area of the portal. */
export type AreaRole = 'school' | 'applicant' | 'program' | 'admin';

export interface Area {
  /** The token's `role` claim this area is for. */
  role: AreaRole;
  home: string;
  links: AreaLink[];
}

export const areas: Area[] = [
  {
    role: 'school',
    home: '/school',
    links: [
      { href: '/school', label: 'School' },
      { href: '/school/keys', label: 'Keys' },
      { href: '/school/submit', label: 'Submit' },
      { href: '/school/batch', label: 'Batch' },
      { href: '/school/documents', label: 'Documents' },
      { href: '/school/webhooks', label: 'Webhooks' },
    ],
  },
  {
    role: 'applicant',
    home: '/applicant',
    links: [
      { href: '/applicant', label: 'Documents' },
      { href: '/applicant/releases', label: 'Releases' },
      { href: '/applicant/letters', label: 'Letters' },
      { href: '/applicant/disclosures', label: 'Disclosures' },
    ],
  },
  {
    role: 'program',
    home: '/program',
    links: [{ href: '/program', label: 'Released documents' }],
  },
  {
    role: 'admin',
    home: '/admin',
    links: [
      { href: '/admin', label: 'Schools' },
      { href: '/admin/review', label: 'Review queue' },
      { href: '/admin/register', label: 'Register' },
    ],
  },
];

/** The area a role works in, or the one whose pages are open (an admin may look at a school's pages). */
export function areaFor(role: string | undefined, path: string): Area | undefined {
  return (
    areas.find((area) => path === area.home || path.startsWith(`${area.home}/`)) ??
    areas.find((area) => area.role === role)
  );
}

/** Where a role lands after signing in. */
export function homeFor(role: string | undefined): string {
  return areas.find((area) => area.role === role)?.home ?? '/';
}
