// The version btfpost reports (kept in step with package.json by a test).

export { VERSION } from '../common/version.js';
