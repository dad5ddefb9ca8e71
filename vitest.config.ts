import { defineConfig } from 'vitest/config';

// Tiers: unit (pure, fast), integration (real git, real kustomize, fixtures),
// cluster (local control plane + Argo CD). In CI every tier runs; a tier whose
// tools are missing fails there instead of skipping (see test/support/require-tool.ts).
export default defineConfig({
  test: {
    // Vitest runs one file at a time on 2 cores (CPUs - 1); the integration tier waits on git, HTTP and
    // kustomize subprocesses, so two at a time finish it sooner. The cluster tier stays one at a time.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          // One control plane serves the whole tier; its tests run one file at a time.
          fileParallelism: false,
          maxWorkers: 1,
          // A full install on a busy 2-core machine takes 5-10 min (Argo CD's cache lags CRD status).
          testTimeout: 1_800_000,
          hookTimeout: 3_600_000,
        },
      },
      // The older Argo CD lines (test/adopt): a cold build of each costs minutes, so they run on request
      // (`npm run test:adopt`) rather than in every `vitest run`; see docs/testing.md.
      ...(process.env.KFG_ADOPT_TESTS
        ? [
            {
              extends: true as const,
              test: {
                name: 'adopt',
                include: ['test/adopt/**/*.test.ts'],
                fileParallelism: false,
                maxWorkers: 1,
                testTimeout: 1_800_000,
                hookTimeout: 3_600_000,
              },
            },
          ]
        : []),
    ],
    reporters: ['default'],
  },
});
