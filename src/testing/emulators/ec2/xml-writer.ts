/**
 * A minimal XML writer for EC2 Query responses. EC2 wraps every list in `<xxxSet>` with one
 * `<item>` per element and writes member names in lowerCamelCase (source: Amazon EC2 API
 * Reference, "Query API response structure", read 2026-11; checked against the
 * `@aws-sdk/client-ec2` 3.1169 schemas, whose members carry these `xmlName`s).
 */

/** A value the writer can render: arrays become `<item>` lists, objects nested elements. */
export type XmlValue = string | number | boolean | Date | undefined | null | readonly XmlValue[] | { readonly [key: string]: XmlValue };

/** The namespace EC2 puts on every response document (API version 2016-11-15). */
export const EC2_XML_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** Escapes text for element content. */
export function escapeXml(text: string): string {
  if (!/[<>&'"]/.test(text)) return text; // the common case: nothing to escape
  return text.replace(/[<>&'"]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === "'" ? '&apos;' : '&quot;'));
}

function renderScalar(value: string | number | boolean | Date): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

/** Renders `<name>value</name>`; `undefined` and `null` render nothing, as EC2 omits absent members. */
export function renderElement(name: string, value: XmlValue, out: string[] = []): string[] {
  if (value === undefined || value === null) return out;
  if (Array.isArray(value)) {
    out.push(`<${name}>`);
    for (const item of value as readonly XmlValue[]) renderElement('item', item, out);
    out.push(`</${name}>`);
    return out;
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    out.push(`<${name}>`);
    const record = value as { readonly [key: string]: XmlValue };
    for (const key in record) renderElement(key, record[key], out);
    out.push(`</${name}>`);
    return out;
  }
  out.push(`<${name}>${renderScalar(value as string | number | boolean | Date)}</${name}>`);
  return out;
}

/** A complete `<ActionResponse>` document with its request id. */
export function renderActionResponse(action: string, requestId: string, body: Readonly<Record<string, XmlValue>>): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', `<${action}Response xmlns="${EC2_XML_NAMESPACE}">`, `<requestId>${requestId}</requestId>`];
  for (const [key, value] of Object.entries(body)) renderElement(key, value, out);
  out.push(`</${action}Response>`);
  return out.join('');
}

/**
 * The EC2 error document. Its shape differs from the success documents: capitalized names and
 * `RequestID` (sic), per the EC2 API Reference "Error codes" page (read 2026-11).
 */
export function renderErrorResponse(code: string, message: string, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
  );
}
