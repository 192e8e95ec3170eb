import type { ErrorSample } from './driverTypes.ts';

/** A failed answer's status and errors, without its data. */
export function errorSample(status: number, body: string): ErrorSample {
  try {
    const parsed = JSON.parse(body) as { errors?: { message?: unknown; path?: unknown; extensions?: { code?: unknown } }[] };
    const errors = (Array.isArray(parsed.errors) ? parsed.errors : []).slice(0, 3).map((e) => ({
      ...(typeof e.extensions?.code === 'string' ? { code: e.extensions.code } : {}),
      ...(typeof e.message === 'string' ? { message: e.message.slice(0, 200) } : {}),
      ...(Array.isArray(e.path) ? { path: e.path as (string | number)[] } : {}),
    }));
    return { status, errors };
  } catch {
    return { status, errors: [{ message: 'the body is not JSON' }] };
  }
}
