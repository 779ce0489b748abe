int psa_placeholder(void);
