// What v1.11.0 must vendor is its row in test/support/vendor-release.ts.
import { describeReleaseVendoring } from '../../support/vendor-release.js';

describeReleaseVendoring('v1.11.0');
