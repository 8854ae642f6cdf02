/** The plugin <-> daemon protocol: types, constants and request validation. */
export * from './protocol.ts';
export { parseAddRequest, parseDelRequest, ProtocolError } from './parse-request.ts';
