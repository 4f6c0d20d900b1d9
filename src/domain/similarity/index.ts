export {
  BANDS,
  ROWS,
  SIGNATURE_LENGTH,
  bandBuckets,
  candidateProbability,
  duplicateKeys,
  estimateSimilarity,
  jaccard,
  shingles,
  signature,
  type BandBucket,
} from './minhash';
