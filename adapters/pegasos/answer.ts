/**
 * Reads an `RSP^K11` answer's header (MSA, ERR, QAK) into either the
 * answer's data segments or the adapter error it amounts to. Pure: text in,
 * result out.
 */
import { AdapterError, type InstanceId } from '../../domain/index.ts';
import { ERR_LOCATION_QPD3, type QueryName } from './format.ts';
import { parseHl7, type Hl7Message, type Hl7Segment } from './hl7.ts';

/** A readable, accepted answer. */
export interface QueryAnswer {
  /** `QAK-2`: `OK` data found, `NF` no data found. */
  readonly status: 'OK' | 'NF';
  /** The segments after the header (`PID`, `SCH`, …, `DSC`). */
  readonly body: readonly Hl7Segment[];
  readonly message: Hl7Message;
}

/** What the request was, to check the answer belongs to it. */
export interface AnswerExpectation {
  readonly instance: InstanceId;
  readonly query: QueryName;
  readonly controlId: string;
  readonly tag: string;
}

const HEADER = new Set(['MSH', 'MSA', 'ERR', 'QAK', 'QPD', 'SFT', 'UAC']);

/**
 * Reads an answer. `MSA-1` `AR` (overload, maintenance) → SOURCE_UNAVAILABLE;
 * `AE` with `ERR-2` at `QPD-3` of a query by identity code →
 * INVALID_IDENTITY_CODE; other `AE` → SOURCE_ERROR; an answer that is not
 * HL7, belongs to another request or lacks its header → MALFORMED_RESPONSE.
 */
export function readAnswer(text: string, e: AnswerExpectation): QueryAnswer | AdapterError {
  const malformed = (reason: string) => new AdapterError('MALFORMED_RESPONSE', e.instance, `${e.query} answer: ${reason}`);
  const parsed = parseHl7(text);
  if (!parsed.ok) return malformed(parsed.reason);
  const message = parsed.message;
  const msa = message.segment('MSA');
  if (!msa) return malformed('expected an MSA segment, received none');
  const ack = msa.get(1);
  const err = message.segment('ERR');
  const errCode = err ? err.get(3, 1) : '';
  const errText = err ? ` (ERR-3 ${/^\w{1,10}$/.test(errCode) ? errCode : 'with another code'})` : '';
  if (ack === 'AR' || ack === 'CR') {
    return new AdapterError('SOURCE_UNAVAILABLE', e.instance, `${e.query}: the source rejected the request (MSA-1 AR)${errText}`);
  }
  if (msa.get(2) !== e.controlId) return malformed('expected MSA-2 to echo the request control id, received another');
  const qak = message.segment('QAK');
  if (ack === 'AE' || ack === 'CE' || qak?.get(2) === 'AE') {
    const byHetu = e.query !== 'Q_MUUTTUNEET';
    if (byHetu && err?.raw(2) === ERR_LOCATION_QPD3) {
      return new AdapterError('INVALID_IDENTITY_CODE', e.instance, `${e.query}: the source refused the identity code${errText}`);
    }
    return new AdapterError('SOURCE_ERROR', e.instance, `${e.query}: the source answered with an application error${errText}`);
  }
  if (ack !== 'AA' && ack !== 'CA') return malformed('expected MSA-1 AA, AE or AR, received another value');
  if (!qak) return malformed('expected a QAK segment, received none');
  if (qak.get(1) !== e.tag) return malformed('expected QAK-1 to echo the query tag, received another');
  const status = qak.get(2);
  if (status !== 'OK' && status !== 'NF') return malformed('expected QAK-2 OK, NF or AE, received another value');
  return { status, body: message.segments.filter((s) => !HEADER.has(s.name)), message };
}
