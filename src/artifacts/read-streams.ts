/** The body of an empty object, read without a request (the stores here share it). */

/** A body of no bytes. */
export async function* emptyStream(): AsyncGenerator<Uint8Array> {}
