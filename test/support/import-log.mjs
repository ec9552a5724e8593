// `node --import ./test/support/import-log.mjs …`: appends every module URL the program
// resolves (static and dynamic imports) to the file named by YTSYNC_TEST_IMPORT_LOG, so a test
// can tell which packages a command really loads. Test-only: nothing in src/ knows about it.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.YTSYNC_TEST_IMPORT_LOG) appendFileSync(process.env.YTSYNC_TEST_IMPORT_LOG, result.url + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
