/**
 * Some operations need different actions depending on the request: a DynamoDB transaction needs only
 * the item actions it contains, a PartiQL statement only the verb it runs. When the request is
 * visible, keep those; when it is not, keep them all.
 */

const TRANSACT_KEYS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

const PARTIQL_VERBS: Record<string, string> = {
  SELECT: 'dynamodb:PartiQLSelect',
  INSERT: 'dynamodb:PartiQLInsert',
  UPDATE: 'dynamodb:PartiQLUpdate',
  DELETE: 'dynamodb:PartiQLDelete',
};

/**
 * @param keys property names seen in the request, or undefined when the request is not visible
 * @param statement the text of its PartiQL `Statement`s, when they are literals
 */
export function refineActions(actions: string[], keys: Set<string> | undefined, statement: string | undefined): string[] {
  const isTransact = actions.includes('dynamodb:ConditionCheckItem') && actions.length === 4;
  if (isTransact && keys) {
    const used = Object.entries(TRANSACT_KEYS).filter(([key]) => keys.has(key)).map(([, action]) => action);
    if (used.length > 0) return actions.filter((a) => used.includes(a));
  }
  const isPartiql = actions.every((a) => a.startsWith('dynamodb:PartiQL'));
  if (isPartiql && statement) {
    const used = Object.entries(PARTIQL_VERBS).filter(([verb]) => new RegExp(`\\b${verb}\\b`, 'i').test(statement)).map(([, action]) => action);
    if (used.length > 0) return actions.filter((a) => used.includes(a));
  }
  return actions;
}
