NAME = 'hatch'
