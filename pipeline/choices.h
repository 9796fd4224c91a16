#ifdef __cplusplus
extern "C" {
#endif
char* motcua_word_choices(void* api);
#ifdef __cplusplus
}
#endif
