import { defineCorpusTests } from '../../test/helpers/corpus-tests.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';

const ID = 'ddb-pitr';

defineFixtureTests(import.meta.dirname, ID);

defineCorpusTests(ID);
