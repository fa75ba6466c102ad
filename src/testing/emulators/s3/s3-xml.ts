/**
 * S3's XML: the result documents the emulator answers with (namespace
 * `http://s3.amazonaws.com/doc/2006-03-01/`, element names as in the Amazon S3 API Reference,
 * read 2026-12) and the few request documents it reads (CompleteMultipartUpload, Tagging),
 * read with a small scanner: S3's request schemas are flat lists of known elements.
 */
import { escapeXml } from '../ec2/xml-writer.js';
import { S3Error } from './s3-errors.js';

/** The S3 namespace. */
export const S3_XML_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A value of an element: text, a number, a date (ISO 8601), nested elements, or nothing (left out). */
export type S3XmlValue = string | number | boolean | Date | undefined | S3XmlNode | readonly S3XmlNode[];
/** Nested elements, in order; an array value repeats its element. */
export interface S3XmlNode {
  readonly [name: string]: S3XmlValue | readonly S3XmlValue[];
}

function render(name: string, value: S3XmlValue | readonly S3XmlValue[], out: string[]): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value as readonly S3XmlValue[]) render(name, item, out);
    return;
  }
  if (value instanceof Date) out.push(`<${name}>${value.toISOString()}</${name}>`);
  else if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [child, v] of Object.entries(value as S3XmlNode)) render(child, v, out);
    out.push(`</${name}>`);
  } else out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
}

/** A complete result document: `<?xml …?><Root xmlns="…">…</Root>`. */
export function s3Document(root: string, body: S3XmlNode): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n', `<${root} xmlns="${S3_XML_NAMESPACE}">`];
  for (const [name, value] of Object.entries(body)) render(name, value, out);
  out.push(`</${root}>`);
  return out.join('');
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|apos|quot|#x[0-9a-fA-F]+|#\d+);/g, (_m, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === 'apos' ? "'" : e === 'quot' ? '"' : String.fromCodePoint(e.startsWith('#x') ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1))),
  );
}

const MALFORMED = (): S3Error => new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');

/** The text of each `<name>` element directly in `xml` (no nesting of the same name). */
function elements(xml: string, name: string): string[] {
  const out: string[] = [];
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
  for (let m = pattern.exec(xml); m !== null; m = pattern.exec(xml)) out.push(m[1]!);
  return out;
}

function one(xml: string, name: string): string | undefined {
  const found = elements(xml, name);
  return found.length === 1 ? unescapeXml(found[0]!.trim()) : undefined;
}

/** A part as CompleteMultipartUpload lists it. */
export interface CompletedPartInput {
  /** Part number. */
  readonly number: number;
  /** ETag as given (quotes removed). */
  readonly etag: string;
}

/** The parts of a `<CompleteMultipartUpload>` document, in the order given. */
export function parseCompleteMultipartUpload(xml: string): CompletedPartInput[] {
  if (!/<CompleteMultipartUpload[\s>]/.test(xml)) throw MALFORMED();
  const parts = elements(xml, 'Part').map((part) => {
    const number = Number(one(part, 'PartNumber'));
    const etag = one(part, 'ETag');
    if (!Number.isSafeInteger(number) || etag === undefined) throw MALFORMED();
    return { number, etag: etag.replace(/"/g, '') };
  });
  if (parts.length === 0) throw MALFORMED();
  return parts;
}

/** The tags of a `<Tagging>` document. */
export function parseTagging(xml: string): Map<string, string> {
  if (!/<Tagging[\s>]/.test(xml)) throw MALFORMED();
  const tags = new Map<string, string>();
  for (const tag of elements(xml, 'Tag')) {
    const key = one(tag, 'Key');
    const value = one(tag, 'Value') ?? '';
    if (key === undefined) throw MALFORMED();
    if (tags.has(key)) throw new S3Error('InvalidTag', 400, 'Cannot provide multiple Tags with the same key');
    tags.set(key, value);
  }
  return tags;
}
