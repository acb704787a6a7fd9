NAME = 'flit'
