/** zod failures as the coded, bilingual, field-located issues every client already understands. */
import type { ZodError } from 'zod';
import type { Issue } from '../domain/model';

export function zodIssues(error: ZodError): Issue[] {
  return error.issues.map((i) => {
    const field = i.path.map(String).join('.') || '(body)';
    return {
      code: `SCHEMA_${i.code.toUpperCase()}`,
      field,
      message: { zh: `欄位「${field}」不符合要求：${zhHint(i.code)}`, en: `${field}: ${i.message}` },
    };
  });
}

function zhHint(code: string): string {
  switch (code) {
    case 'invalid_type':
      return '類型不對或缺少此欄位';
    case 'too_small':
      return '太短或太小';
    case 'too_big':
      return '太長或太大';
    case 'invalid_format':
      return '格式不正確';
    case 'invalid_value':
      return '不是允許的值';
    case 'unrecognized_keys':
      return '含有不認識的欄位';
    default:
      return '內容無效';
  }
}
