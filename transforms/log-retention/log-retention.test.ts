import { expect, test } from 'vitest';
import { prepareTransforms } from '../../src/pipeline/prepare.js';
import { defineCorpusTests } from '../../test/helpers/corpus-tests.js';
import { defineFixtureTests } from '../../test/helpers/fixtures.js';

const ID = 'log-retention';

defineFixtureTests(import.meta.dirname, ID);

defineCorpusTests(ID);

test('days must be a retention CloudWatch accepts', async () => {
  await expect(prepareTransforms({ only: [ID], transforms: { [ID]: { days: 15 } } })).rejects.toThrow(/must be one of 1, 3, 5, 7, 14/);
  await expect(prepareTransforms({ only: [ID], transforms: { [ID]: { days: 3653 } } })).resolves.toHaveLength(1);
});
