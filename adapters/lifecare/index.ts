/** Lifecare (patient web service, SOAP): emulator, adapter, wire format and mapper. */
export { createLifecareAdapter } from './adapter.ts';
export { startLifecareEmulator, type LifecareEmulatorOptions } from './emulator.ts';
export { NAMESPACES, FIXTURE_FILES, versionOfNamespace, type LifecareVersion } from './format.ts';
export { mapChangedPage, mapPersonResponses, splitV2015Name, titleCase } from './map.ts';
export { lifecareWsdl } from './wsdl.ts';
