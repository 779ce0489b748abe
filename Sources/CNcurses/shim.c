int psa_placeholder(void){return 0;}
