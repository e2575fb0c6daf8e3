export { cardFor } from '../cards/cardFor';
