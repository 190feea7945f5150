/**
 * A toy English → French corpus written for seqgrad's examples: noun phrases whose adjectives
 * move around the noun ("the big red dog" → "le gros chien rouge"), with gender agreement, and
 * short sentences built from them ("a small white mouse runs" → "une petite souris blanche
 * court"). Generated, so it is the same on every machine.
 */

interface Noun {
  en: string;
  fr: string;
  feminine: boolean;
}

const NOUNS: Noun[] = [
  { en: 'dog', fr: 'chien', feminine: false },
  { en: 'cat', fr: 'chat', feminine: false },
  { en: 'bird', fr: 'oiseau', feminine: false },
  { en: 'horse', fr: 'cheval', feminine: false },
  { en: 'cow', fr: 'vache', feminine: true },
  { en: 'mouse', fr: 'souris', feminine: true },
];
/** Size adjectives go before the noun in French. */
const SIZES: Array<{ en: string; m: string; f: string }> = [
  { en: 'big', m: 'gros', f: 'grosse' },
  { en: 'small', m: 'petit', f: 'petite' },
];
/** Colour adjectives go after it. */
const COLOURS: Array<{ en: string; m: string; f: string }> = [
  { en: 'red', m: 'rouge', f: 'rouge' },
  { en: 'black', m: 'noir', f: 'noire' },
  { en: 'white', m: 'blanc', f: 'blanche' },
  { en: 'green', m: 'vert', f: 'verte' },
];
const VERBS: Array<{ en: string; fr: string }> = [
  { en: 'sleeps', fr: 'dort' },
  { en: 'runs', fr: 'court' },
  { en: 'eats', fr: 'mange' },
];

/** One sentence pair. */
export interface Pair {
  en: string;
  fr: string;
}

/** Every noun phrase: determiner, optional size, noun, optional colour. */
function nounPhrases(): Pair[] {
  const phrases: Pair[] = [];
  for (const noun of NOUNS) {
    for (const definite of [true, false]) {
      for (const size of [null, ...SIZES]) {
        for (const colour of [null, ...COLOURS]) {
          const g = noun.feminine ? 'f' : 'm';
          const en = [definite ? 'the' : 'a', size?.en, colour?.en, noun.en]
            .filter(Boolean)
            .join(' ');
          const det = definite ? (noun.feminine ? 'la' : 'le') : noun.feminine ? 'une' : 'un';
          const fr = [det, size?.[g], noun.fr, colour?.[g]].filter(Boolean).join(' ');
          phrases.push({ en, fr });
        }
      }
    }
  }
  return phrases;
}

/** The corpus: every noun phrase (180), and each of them as the subject of each verb (540). */
export function toyTranslationCorpus(): Pair[] {
  const phrases = nounPhrases();
  const sentences = phrases.flatMap((np) =>
    VERBS.map((verb) => ({ en: `${np.en} ${verb.en}`, fr: `${np.fr} ${verb.fr}` })),
  );
  return [...phrases, ...sentences];
}
