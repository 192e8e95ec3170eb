/**
 * The Swedish of the free-text names the sources write in Finnish only, and
 * a fee's kind, from the region's term list (domain/terms.ts): null when
 * the list does not have the name, never a guess.
 */
import type { Customership, Decision, Fee, Plan } from '../../domain/model.ts';
import { feeTerm, planTitleSv, professionalTitleSv, serviceSv } from '../../domain/terms.ts';

export const termResolvers = {
  Fee: {
    kind: (f: Fee) => feeTerm(f.description)?.kind ?? null,
    descriptionSv: (f: Fee) => feeTerm(f.description)?.sv ?? null,
  },
  Customership: {
    serviceSv: (c: Customership) => (c.service != null ? (serviceSv(c.service) ?? null) : null),
  },
  Decision: {
    serviceSv: (d: Decision) => serviceSv(d.service) ?? null,
  },
  Plan: {
    titleSv: (p: Plan) => (p.title != null ? (planTitleSv(p.title) ?? null) : null),
  },
  Professional: {
    titleSv: (p: { readonly title?: string | null }) => (p.title != null ? (professionalTitleSv(p.title) ?? null) : null),
  },
};
