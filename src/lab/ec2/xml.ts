import type { XmlObject, XmlValue } from './action.ts';
import type { Ec2ApiError } from './errors.ts';

/** The XML namespace of every EC2 reply (the API version the emulator speaks). */
export const EC2_XML_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/**
 * Renders a successful reply: `<{action}Response xmlns=...><requestId>..</requestId>...</{action}Response>`.
 * Arrays become `<item>` children of their key's element, objects nested elements, booleans
 * `true`/`false`, numbers text; undefined members are omitted.
 */
export function renderReply(action: string, requestId: string, body: XmlObject): string {
  const root = `${action}Response`;
  return (
    `${XML_DECLARATION}<${root} xmlns="${EC2_XML_NAMESPACE}">` +
    `<requestId>${escapeXml(requestId)}</requestId>${renderMembers(body)}</${root}>`
  );
}

/** Renders an EC2 error document (`<Response><Errors><Error>...`), the shape AWS SDKs parse. */
export function renderError(error: Ec2ApiError, requestId: string): string {
  return (
    `${XML_DECLARATION}<Response><Errors><Error><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error></Errors>` +
    `<RequestID>${escapeXml(requestId)}</RequestID></Response>`
  );
}

/**
 * Escapes text for element content or attribute values. Characters XML 1.0 cannot carry at all
 * (most C0 controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD so the document stays parseable.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char).replace(NOT_XML_CHARACTERS, '\ufffd');
}

/** C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, and surrogates not part of a pair. */
const NOT_XML_CHARACTERS = new RegExp(
  [
    '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ufffe\\uffff]',
    '[\\ud800-\\udbff](?![\\udc00-\\udfff])',
    '(?<![\\ud800-\\udbff])[\\udc00-\\udfff]',
  ].join('|'),
  'g',
);

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function renderMembers(object: XmlObject): string {
  let out = '';
  for (const [name, value] of Object.entries(object)) {
    if (value !== undefined) out += renderElement(name, value);
  }
  return out;
}

function renderElement(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  return `<${name}>${renderContent(value)}</${name}>`;
}

function renderContent(value: Exclude<XmlValue, undefined>): string {
  if (Array.isArray(value)) return value.map((item) => renderElement('item', item)).join('');
  if (typeof value === 'object') return renderMembers(value);
  if (typeof value === 'string') return escapeXml(value);
  return String(value);
}
