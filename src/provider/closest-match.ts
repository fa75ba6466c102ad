/** "Did you mean": the known word a mistyped one most likely meant. */

/**
 * Restricted Damerau–Levenshtein distance (a swap of neighbours counts one, so `regoin` is one
 * edit from `region`).
 */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate a mistyped `input` most likely meant, or `undefined` when none is close:
 * case is ignored, and at most one edit is allowed for words of 3–4 characters, two up to 8,
 * three beyond. Shorter inputs only match by case: one edit turns `>` into `<`, the opposite.
 */
export function closestMatch(input: unknown, candidates: readonly string[]): string | undefined {
  if (typeof input !== 'string' || input.length === 0) return undefined;
  const word = input.toLowerCase();
  const allowed = word.length < 3 ? 0 : word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    // The distance is at least the length difference; skip the work for hopeless pairs.
    if (Math.abs(candidate.length - word.length) >= bestDistance) continue;
    const distance = editDistance(word, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === input ? undefined : best;
}
