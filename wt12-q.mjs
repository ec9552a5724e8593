import { loadConfig } from './dist/config.js';
import { openDatabase } from './dist/db/connection.js';
import { sql } from 'drizzle-orm';
const d = await openDatabase(loadConfig({ YTSYNC_HOME: process.argv[2] }), { pullLock: false, command: 'q' });
try {
  for (const q of process.argv.slice(3)) console.log((await d.db.execute(sql.raw(q))).rows);
} finally { await d.close(); }
