// drizzle-kit generates migrations from the tables a schema module exports, one export each. The
// mirror's tables come as one object built from one declaration (src/core/db/mirror-tables.ts):
// this module's exports are that object's tables.
module.exports = require('../src/core/db/schema.pg.ts').pgMirrorTables;
