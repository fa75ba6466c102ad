/**
 * The tables the CLI prints: a header, a rule, and rows whose columns are padded to their
 * widest cell. Numeric columns are right-aligned so that amounts line up on their decimals.
 */

/** One column of a {@link Table}. */
export interface TableColumn {
  /** Header text. */
  readonly header: string;
  /** `right` for amounts (default `left`). */
  readonly align?: 'left' | 'right' | undefined;
}

/** A table to print: columns, then rows of cells (one string per column). */
export class Table {
  private readonly rows: (readonly string[])[] = [];

  constructor(private readonly columns: readonly TableColumn[]) {}

  /** Adds a row; missing cells are empty. */
  add(cells: readonly string[]): this {
    this.rows.push(cells);
    return this;
  }

  /** Number of rows added. */
  get size(): number {
    return this.rows.length;
  }

  /** The table as lines of text (no trailing spaces). */
  render(): string {
    const widths = this.columns.map((c, i) => Math.max(c.header.length, ...this.rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: readonly string[]): string =>
      this.columns
        .map((c, i) => {
          const cell = cells[i] ?? '';
          return c.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
        })
        .join('  ')
        .trimEnd();
    return [line(this.columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...this.rows.map(line)].join('\n');
  }
}
