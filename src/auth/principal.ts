export const roles = ['admin', 'school', 'applicant', 'program'] as const;
export type Role = (typeof roles)[number];

/** Who is calling, from a verified access token. Each non-admin role acts for exactly one entity. */
export type Principal =
  | { sub: string; role: 'admin' }
  | { sub: string; role: 'school'; school_id: string }
  | { sub: string; role: 'applicant'; applicant_id: string }
  | { sub: string; role: 'program'; program_id: string };

/** The claim naming the entity a role acts for. */
export const entityClaim = {
  school: 'school_id',
  applicant: 'applicant_id',
  program: 'program_id',
} as const satisfies Record<Exclude<Role, 'admin'>, string>;

export type PrincipalOf<R extends Role> = Extract<Principal, { role: R }>;
