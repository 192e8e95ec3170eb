/**
 * The stock @apollo/gateway the tests build (federatedExecutor) never starts
 * Apollo's telemetry exporter, which would send metrics off the machine and
 * probe cloud metadata addresses.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES } from '../../schema/municipalities.ts';
import { readSupergraph } from '../../schema/supergraph.ts';
import { InternalKey } from '../../contract/internalToken.ts';
import { federatedExecutor } from './gateway.ts';

// The module whose export the gateway's constructor calls through its module object (so a replacement is seen).
const require = createRequire(import.meta.url);
const telemetry = require(join(dirname(require.resolve('@apollo/gateway')), 'utilities', 'opentelemetry.js')) as {
  createDataCollectionExporter: () => { shutdown(): Promise<void> };
};

describe("stock @apollo/gateway built the project's way", () => {
  const original = telemetry.createDataCollectionExporter;
  const savedEnv = process.env.APOLLO_TELEMETRY_DISABLED;
  let exporters = 0;

  beforeEach(() => {
    exporters = 0;
    telemetry.createDataCollectionExporter = () => {
      exporters++;
      return { shutdown: async () => {} };
    };
    // The suite's setup file sets it for everything; here the code under test must set it itself.
    delete process.env.APOLLO_TELEMETRY_DISABLED;
  });
  afterEach(() => {
    telemetry.createDataCollectionExporter = original;
    process.env.APOLLO_TELEMETRY_DISABLED = savedEnv;
  });

  it('would start the exporter when built plainly (the spy sees it)', async () => {
    const gateway = new ApolloGateway({ supergraphSdl: readSupergraph(), logger: { debug() {}, info() {}, warn() {}, error() {} } });
    expect(exporters).toBe(1);
    await gateway.stop().catch(() => {});
  });

  it('does not start it in federatedExecutor', async () => {
    const { stop } = await federatedExecutor(
      Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, `http://127.0.0.1:9/${n}`])),
      InternalKey.generate(),
    );
    expect(exporters).toBe(0);
    await stop();
  });
});
