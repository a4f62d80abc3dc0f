// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'removal-policy', title: 'removal-policy', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
