import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql for everything: vitest would otherwise load graphql's ES module
    // build while @apollo/gateway and mercurius load the CommonJS one, and schemas
    // and GraphQLError would come from two realms.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Emulators listen on real sockets; files run in parallel on 2 cores.
    pool: 'forks',
    // Nothing a test runs may reach anything but this machine: off-machine connections fail loudly.
    setupFiles: ['test/setup/loopbackOnly.ts'],
  },
});
