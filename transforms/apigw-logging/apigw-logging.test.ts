import { defineCorpusTests } from '../../test/helpers/corpus-tests.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';

const ID = 'apigw-logging';

defineFixtureTests(import.meta.dirname, ID);

defineCorpusTests(ID);
