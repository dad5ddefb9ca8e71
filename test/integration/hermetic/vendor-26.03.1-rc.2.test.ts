// What 26.03.1-rc.2 must vendor is its row in test/support/vendor-release.ts.
import { describeReleaseVendoring } from '../../support/vendor-release.js';

describeReleaseVendoring('26.03.1-rc.2');
