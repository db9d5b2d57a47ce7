scale --running 4 --metric 50
