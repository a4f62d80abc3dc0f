// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'log-retention', title: 'log-retention', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
