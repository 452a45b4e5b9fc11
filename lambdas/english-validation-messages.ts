// zod/mini registers no messages of its own ("Invalid input" for everything), where classic zod
// registers English on first use: importing this module gives every schema the same English words
// in every bundle, whichever zod build a process happened to load first.
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());
