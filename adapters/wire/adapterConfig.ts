/** The configuration every adapter's wiring takes: where its instance is, how long a call may take, its answer limits. */
import type { AnswerLimits } from './answerLimits.ts';
import type { InstanceId } from '../../domain/region.ts';
import type { Clock } from '../../domain/time.ts';

/** What every adapter is configured with, parsed and validated by its caller. */
export interface AdapterConfig {
  readonly instance: InstanceId;
  /** Base URL (HTTP), `host:port` (MLLP) or connection string (SQL). */
  readonly address: string;
  /** How long one request to the source may take before it counts as unavailable. */
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** This instance's answer limits over its product's defaults (answerLimits.ts; README: Answer limits). */
  readonly limits?: Partial<AnswerLimits>;
}
