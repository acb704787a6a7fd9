not included
