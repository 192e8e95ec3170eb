/**
 * A last guard for the terminal and the HTML report, which must never show
 * personal data: anything shaped like an identity code is replaced, in the
 * canonical form, lower case, with spaces, or (ProConsona's legacy form)
 * without its century sign when its check character fits. Commands already
 * keep personal data out of what they put in sections; this catches a
 * source message that did not.
 */
import { checkCharacter } from '../../domain/index.ts';

const WITH_SIGN = /(?<![0-9A-Za-z])\d{6}\s?[-+A-FU-Ya-fu-y]\s?\d{3}\s?[0-9A-Ya-y](?![0-9A-Za-z])/g;
const WITHOUT_SIGN = /(?<![0-9A-Za-z])(\d{6})\s?(\d{3})\s?([0-9A-Ya-y])(?![0-9A-Za-z])/g;

/** The text with identity-code-shaped parts replaced by `[identity code]`. */
export function redact(text: string): string {
  return text
    .replace(WITH_SIGN, '[identity code]')
    .replace(WITHOUT_SIGN, (all, date: string, individual: string, check: string) =>
      checkCharacter(date + individual) === check.toUpperCase() ? '[identity code]' : all,
    );
}
