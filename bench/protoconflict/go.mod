module aa.jejaring.local/protoconflict

go 1.26.8
