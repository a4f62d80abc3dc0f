import { defineCorpusTests } from '../../test/helpers/corpus-tests.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';

const ID = 'removal-policy';

defineFixtureTests(import.meta.dirname, ID);

defineCorpusTests(ID);
