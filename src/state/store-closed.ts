/** The error every store throws once closed. */
import { ConflictError } from '../provider/errors.js';

/** A call on a store that has been closed: a programming error, not worth retrying. */
export function storeClosedError(store: string): ConflictError {
  return new ConflictError({ message: `[state] [${store}] the store is closed` });
}
