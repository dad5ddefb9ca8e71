/** What an upgrade run did: to the fork (upgraded, up to date, stopped on conflicts, aborted), and to the cluster. */
import type { DeliveryResult } from '../../steps/deliver-to-cluster.js';
import type { UpgradePlan } from './build-upgrade-plan.js';
import type { MergeOutcome } from './merge-release.js';
import type { SessionOutcome, UpgradeSession } from './upgrade-session.js';

export type UpgradeResult =
  | {
      readonly kind: 'upgraded' | 'up-to-date';
      readonly plan: UpgradePlan;
      readonly repoURL: string;
      readonly branch: string;
      readonly revision: string;
      readonly committed: boolean;
      readonly pushed: boolean;
      readonly autoResolved: MergeOutcome['autoResolved'];
      /** The cluster steps' outcome, when the run applied the upgrade. */
      readonly delivered?: DeliveryResult | undefined;
    }
  | Exclude<SessionOutcome, UpgradeSession>;
