/**
 * The SDL of the region's code lists in the region subgraph: every code a
 * person reads with its Finnish, Swedish and English label
 * (domain/codeLabels.ts), public like the municipalities, so a portal
 * labels codes in the reader's language without a list of its own.
 */

/** The field on Query (for a builder that writes Query in one piece). */
export const codeListsQueryField = `  "The region's code lists: every code of the enums a person reads (care areas, service tasks, appointment statuses, contact modes, professional kinds, consent types, fee kinds and statuses, plan types, decision outcomes, registers, and the read log's data groups, bases, actions and reader roles) with its Finnish, Swedish and English label. Public: no sign-in needed."
  codeLists: [CodeList!]!`;

/** The code list types. */
export const codeListsTypesSdl = `"One code system's labels."
type CodeList {
  "The GraphQL enum whose values the codes are, e.g. CareArea."
  name: String!
  "Every code of the enum, in the enum's order."
  codes: [CodeLabel!]!
}

"A code with its labels."
type CodeLabel {
  "The enum value, e.g. ORAL_HEALTH."
  code: String!
  "The label in Finnish, e.g. Suun terveydenhuolto."
  fi: String!
  "The label in Swedish, e.g. Munhälsovård."
  sv: String!
  "The label in English, e.g. Oral health care."
  en: String!
}`;
