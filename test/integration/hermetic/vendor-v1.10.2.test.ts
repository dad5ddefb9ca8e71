// What v1.10.2 must vendor is its row in test/support/vendor-release.ts.
import { describeReleaseVendoring } from '../../support/vendor-release.js';

describeReleaseVendoring('v1.10.2');
