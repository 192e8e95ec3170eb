/**
 * The client-facing error messages in Finnish, Swedish and English: one
 * sentence per `extensions.code`, or per code and `extensions.reason` where
 * the reason changes what the person should know. The gateway rewrites an
 * error's `message` into the language the client asked for (localize.ts);
 * `extensions.code` and `extensions.reason` never change, so a program
 * branches on those, never on the text.
 *
 * Every message is fixed text: the only values filled in are `{instance}`
 * (a source instance's id, e.g. `pegasos-loviisa`) and `{serviceName}` (a
 * subgraph's name), never an identity code, a name or an address.
 *
 * English is the meaning of the code; an English-speaking client keeps the
 * error's own message (often more precise: it may say which limit or field).
 * Codes not here (parse, validation and input errors, the hardening limits)
 * say something about the request's text and are for its developer: they
 * stay in English in every language.
 */

export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** One message in each language. */
export type LocalizedMessage = Readonly<Record<Language, string>>;

/** The key of a message: `CODE`, or `CODE/REASON` for one reason of a code (which wins over the code's own). */
export type MessageKey = string;

export const ERROR_MESSAGES: Readonly<Record<MessageKey, LocalizedMessage>> = {
  // Sign-in (gateway/auth; subgraphs/access for a personal field asked without one).
  UNAUTHENTICATED: {
    fi: 'Kirjautumisesi ei ole voimassa; kirjaudu uudelleen.',
    sv: 'Din inloggning är inte giltig; logga in på nytt.',
    en: 'Your sign-in is not valid; sign in again.',
  },
  'UNAUTHENTICATED/NOT_AUTHENTICATED': {
    fi: 'Henkilötiedot näytetään vain kirjautuneelle käyttäjälle.',
    sv: 'Personuppgifter visas endast för inloggade användare.',
    en: 'Personal data requires a valid sign-in.',
  },
  'UNAUTHENTICATED/TOKEN_EXPIRED': {
    fi: 'Kirjautumisesi on vanhentunut; kirjaudu uudelleen.',
    sv: 'Din inloggning har gått ut; logga in på nytt.',
    en: 'Your sign-in has expired; sign in again.',
  },
  AUTHENTICATION_UNAVAILABLE: {
    fi: 'Kirjautumista ei voida juuri nyt tarkistaa; yritä hetken kuluttua uudelleen.',
    sv: 'Inloggningen kan inte kontrolleras just nu; försök igen om en stund.',
    en: 'Your sign-in cannot be checked right now; try again shortly.',
  },

  // Access control (subgraphs/access/errors.ts): one per reason.
  'FORBIDDEN/NOT_OWN_DATA': {
    fi: 'Tiedot kuuluvat toiselle henkilölle.',
    sv: 'Uppgifterna gäller en annan person.',
    en: 'This data belongs to another person.',
  },
  'FORBIDDEN/GUARDIAN_PROHIBITED': {
    fi: 'Alaikäinen on kieltänyt näiden tietojen luovuttamisen huoltajalle.',
    sv: 'Den minderåriga har förbjudit att uppgifterna lämnas ut till vårdnadshavare.',
    en: 'The minor has prohibited disclosure of this data to guardians.',
  },
  'FORBIDDEN/NO_CARE_RELATION': {
    fi: 'Yksiköidesi ja tehtäväalueidesi hoitosuhteet eivät oikeuta näihin tietoihin.',
    sv: 'Ingen vårdrelation i dina enheter och verksamhetsområden ger tillgång till uppgifterna.',
    en: 'No care relation in your units and care areas gives access to this data.',
  },
  'FORBIDDEN/NO_CONSENT': {
    fi: 'Asiakas ei ole antanut suostumusta tietojen luovuttamiseen rekisteriisi.',
    sv: 'Klienten har inte samtyckt till att uppgifterna lämnas ut till ditt register.',
    en: 'The client has not consented to disclosing this data to your register.',
  },
  'FORBIDDEN/CHILD_WELFARE_RESTRICTED': {
    fi: 'Lastensuojelun tiedot näkyvät vain kyseisen tehtävän sosiaalityöntekijöille.',
    sv: 'Barnskyddsuppgifter visas endast för socialarbetare inom den uppgiften.',
    en: 'Child welfare data reaches only social workers of that service task.',
  },
  'FORBIDDEN/TURVAKIELTO': {
    fi: 'Tietoja suojaa turvakielto.',
    sv: 'Uppgifterna skyddas av spärrmarkering.',
    en: 'This data is protected by a non-disclosure for personal safety.',
  },
  'FORBIDDEN/AGGREGATES_ONLY': {
    fi: 'Roolisi saa käyttää vain koostetietoja.',
    sv: 'Din roll får endast använda sammanställda uppgifter.',
    en: 'Your role may use aggregate figures only.',
  },
  'FORBIDDEN/EMERGENCY_EXPIRED': {
    fi: 'Hätäkäyttöoikeutesi tähän asiakkaaseen on päättynyt.',
    sv: 'Din nödåtkomst till klienten har gått ut.',
    en: 'Your emergency access to this client has expired.',
  },
  'FORBIDDEN/ROLE_NOT_PERMITTED': {
    fi: 'Roolisi ei salli tämän toiminnon käyttöä.',
    sv: 'Din roll får inte använda den här funktionen.',
    en: 'Your role may not use this function.',
  },
  'FORBIDDEN/AUDIT_UNAVAILABLE': {
    fi: 'Tietojen lukua ei voitu kirjata lokiin, joten tietoja ei näytetä.',
    sv: 'Läsningen kunde inte loggas, därför visas inte uppgifterna.',
    en: 'The read could not be recorded in the audit log, so the data is not returned.',
  },

  // Partial results: what could not be read (the rest of the answer is served).
  SOURCE_UNAVAILABLE: {
    fi: 'Lähteen {instance} tietoja ei saatu; vastauksesta puuttuvat sen tiedot.',
    sv: 'Uppgifterna från källan {instance} kunde inte hämtas; svaret saknar dem.',
    en: 'Source {instance} could not be read; the answer lacks its data.',
  },
  SUBGRAPH_UNAVAILABLE: {
    fi: 'Palvelua {serviceName} ei tavoitettu; vastauksesta puuttuvat sen tiedot.',
    sv: 'Tjänsten {serviceName} kunde inte nås; svaret saknar dess uppgifter.',
    en: 'Service {serviceName} could not be reached; the answer lacks its data.',
  },
  SUBGRAPH_BAD_RESPONSE: {
    fi: 'Palvelu {serviceName} vastasi virheellisesti; vastauksesta puuttuvat sen tiedot.',
    sv: 'Tjänsten {serviceName} svarade felaktigt; svaret saknar dess uppgifter.',
    en: 'Service {serviceName} gave an answer that could not be read; the answer lacks its data.',
  },
  STATISTICS_NOT_READY: {
    fi: 'Tilastoja ei ole vielä laskettu; kysy uudelleen ensimmäisen päivityksen jälkeen.',
    sv: 'Statistiken har inte beräknats ännu; fråga igen efter den första uppdateringen.',
    en: 'The statistics have not been computed yet; ask again after the first refresh.',
  },

  // The gateway itself.
  INTERNAL_SERVER_ERROR: {
    fi: 'Palvelussa tapahtui sisäinen virhe.',
    sv: 'Ett internt fel inträffade i tjänsten.',
    en: 'Internal server error.',
  },
  PLANNER_BUSY: {
    fi: 'Palvelu on juuri nyt ruuhkautunut; yritä hetken kuluttua uudelleen.',
    sv: 'Tjänsten är överbelastad just nu; försök igen om en stund.',
    en: 'Every query planner is busy; try again shortly.',
  },

  // Trusted documents (gateway/trusted/documents.ts).
  PERSISTED_QUERY_REQUIRED: {
    fi: 'Palvelu suorittaa vain rekisteröityjä kyselyjä; lähetä kyselyn tunniste (documentId).',
    sv: 'Tjänsten kör endast registrerade frågor; skicka frågans identifierare (documentId).',
    en: 'This gateway runs registered operations only; send the documentId of a trusted document.',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    fi: 'Kyselyn tunnistetta ei tunneta; sovellus voi olla uudempi tai vanhempi kuin palvelu.',
    sv: 'Frågans identifierare är okänd; appen kan vara nyare eller äldre än tjänsten.',
    en: 'The document id names no registered document; the app may be newer or older than the gateway.',
  },
  PERSISTED_QUERY_NOT_SUPPORTED: {
    fi: 'Palvelu ei käytä rekisteröityjä kyselyjä; lähetä kyselyn teksti.',
    sv: 'Tjänsten använder inte registrerade frågor; skicka frågans text.',
    en: 'This gateway keeps no trusted documents; send the query text.',
  },
  PERSISTED_QUERY_HASH_MISMATCH: {
    fi: 'Kyselyn teksti ei vastaa sen tunnistetta.',
    sv: 'Frågans text motsvarar inte dess identifierare.',
    en: 'The query text does not hash to its document id.',
  },
};
