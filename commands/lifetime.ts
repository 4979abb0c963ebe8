// Certificate lifetimes given on the command line (`--hours`, `--crt-ttl`): refused unless the
// certificate they make can exist, i.e. it is valid for some time and its notAfter can be written
// in X.509 (GeneralizedTime stops at the end of year 9999).

import { UserError } from "../errors.ts";

/** The last instant an X.509 validity period can name. */
export const LAST_NOT_AFTER = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * The notAfter of a certificate valid for `ms` from `now`. `flag` and `given` (the value as the
 * user wrote it) name the input in the error.
 */
export function certificateEnd(flag: string, given: string, ms: number, now: Date): Date {
  if (!(ms > 0)) {
    throw new UserError(
      `invalid --${flag} ${given}: a certificate must be valid for a positive time`,
    );
  }
  const end = now.getTime() + ms;
  if (!Number.isFinite(end) || end > LAST_NOT_AFTER) {
    throw new UserError(
      `invalid --${flag} ${given}: the certificate would expire after the year 9999, ` +
        `the last one X.509 can encode; give a shorter lifetime`,
    );
  }
  return new Date(end);
}
