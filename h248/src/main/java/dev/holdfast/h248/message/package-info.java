/**
 * The H.248.1 message model (versions 1 to 3), as the standard's text ABNF (Annex B) describes it.
 *
 * <p>Conventions, so that {@code decode(encode(m)).equals(m)} holds for every message:
 * <ul>
 *   <li>Where the ABNF has {@code X *(COMMA X)} with alternatives, the model has a {@code List} of a sealed
 *       interface, in wire order.</li>
 *   <li>Package-defined items (properties, event and signal parameters, statistics) are kept generically as
 *       {@link dev.holdfast.h248.message.PropertyParm} with a typed {@link dev.holdfast.h248.message.ParmValue},
 *       so a package the codec does not know still parses and re-encodes exactly.</li>
 *   <li>A {@code VALUE} is kept as written: a quoted string keeps its quotes (see {@link ParmValue#unquote}).</li>
 *   <li>Names (package/item names, termination ids) are kept in the case they were received in; tokens are
 *       case-insensitive and the model never holds a token's spelling.</li>
 *   <li>Optional scalars are {@code null} when absent; lists are never null (empty when absent).</li>
 * </ul>
 */
package dev.holdfast.h248.message;
