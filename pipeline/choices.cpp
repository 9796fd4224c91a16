// Tesseract's alternatives for each letter of each word (its choice
// iterator), walked in the order gosseract's GetBoundingBoxesVerbose
// walks the words. See choices.go.
#include <cstdlib>
#include <cstring>
#include <string>

#include <tesseract/baseapi.h>
#include <tesseract/ltrresultiterator.h>
#include <tesseract/resultiterator.h>

#include "choices.h"

extern "C" char* motcua_word_choices(void* handle) {
    using namespace tesseract;
    TessBaseAPI* api = static_cast<TessBaseAPI*>(handle);
    ResultIterator* it = api->GetIterator();
    std::string out;
    if (it == nullptr) {
        return strdup("");
    }
    while (!it->Empty(RIL_BLOCK)) {
        if (it->Empty(RIL_WORD)) {
            it->Next(RIL_WORD);
            continue;
        }
        for (;;) {
            ChoiceIterator ci(*it);
            do {
                const char* c = ci.GetUTF8Text();
                if (c != nullptr) {
                    out += c;
                }
                out += '\x1f';
            } while (ci.Next());
            out += '\x1e';
            if (it->IsAtFinalElement(RIL_WORD, RIL_SYMBOL) || !it->Next(RIL_SYMBOL)) {
                break;
            }
        }
        out += '\x1d';
        it->Next(RIL_WORD);
    }
    delete it;
    return strdup(out.c_str());
}
